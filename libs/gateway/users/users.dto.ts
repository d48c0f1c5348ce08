import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role } from '@cleave/contracts/users/users.contract';
import { PageQuery } from '../http/page.query';

/** Only what is given changes; a new password needs the current one (checked by users). */
export class UpdateProfileDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  currentPassword?: string;
}

export class ListUsersQueryDto extends PageQuery {}

export class SetRoleDto {
  @IsIn(['customer', 'admin'])
  role!: Role;
}
